using System.Text.Encodings.Web;

namespace SelfHostSync.Dashboard;

/// <summary>A tiny HTML writer: every piece of text goes through the HTML encoder (names and notes are user input).</summary>
internal sealed class Html(TextWriter output)
{
    private readonly Output.PieceBuffer _buffer = new(output);

    /// <summary>Markup we wrote ourselves (tags, attribute names).</summary>
    public Html Raw(string markup)
    {
        _buffer.Text.Append(markup);
        return this;
    }

    /// <summary>Text, encoded.</summary>
    public Html Text(string? text)
    {
        _buffer.Text.Append(HtmlEncoder.Default.Encode(text ?? string.Empty));
        return this;
    }

    /// <summary><c>&lt;tag attr="encoded"…&gt;encoded text&lt;/tag&gt;</c>.</summary>
    public Html Element(string tag, string? text, params (string Name, string? Value)[] attributes)
    {
        Open(tag, attributes);
        Text(text);
        return Raw($"</{tag}>");
    }

    public Html Open(string tag, params (string Name, string? Value)[] attributes)
    {
        _buffer.Text.Append('<').Append(tag);
        foreach (var (name, value) in attributes)
        {
            if (value is not null)
            {
                _buffer.Text.Append(' ').Append(name).Append("=\"").Append(HtmlEncoder.Default.Encode(value)).Append('"');
            }
        }

        _buffer.Text.Append('>');
        return this;
    }

    /// <summary>Hands what is buffered to the output once it is a full piece (call it inside long loops).</summary>
    public Task FlushIfFullAsync(CancellationToken cancellationToken) => _buffer.FlushIfFullAsync(cancellationToken);

    /// <summary>Hands everything buffered to the output (call once at the end).</summary>
    public Task FlushAsync(CancellationToken cancellationToken) => _buffer.FlushAsync(cancellationToken);
}
